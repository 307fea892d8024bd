import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "pulumi-dingtalk-feishu";

/**
 * The `User-Agent` of every vendor call: `pulumi-dingtalk-feishu/<version>`, the version read
 * from the package's own package.json (found upwards from this file, whether it runs from the
 * sources or from `dist/`), so a vendor's logs and support can tell releases apart.
 */
export const USER_AGENT = `${PACKAGE_NAME}/${packageVersion()}`;

function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    try {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return pkg.version;
    } catch {
      // An unreadable package.json on the way up is not ours; keep looking.
    }
  }
  return "unknown";
}
