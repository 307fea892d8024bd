import type * as pulumi from "@pulumi/pulumi";
import { nonStandardEndpointNotice, parseEndpoint } from "../core/endpoint";
import type { Logger } from "../core/logger";
import { SettingsSource, type SettingName } from "../config/settings-source";
import { rawProfileKeyName, readProfiles, type ProfileSpec } from "../config/profiles";

const said = new Set<string>();

/**
 * Says once per provider process (once per `pulumi preview`) that a vendor endpoint is not one
 * of the vendor's documented hosts: the top-level one and, given the vendor's profile spec, each
 * profile's own (`dingtalk:profiles.hr.endpoint`). Says nothing for the documented hosts and for
 * loopback (the emulator). An invalid endpoint or profile map is left to the settings, which
 * refuse it with their own error.
 */
export function noticeNonStandardEndpoint(
  vendor: "dingtalk" | "feishu",
  setting: SettingName,
  req: pulumi.dynamic.ConfigureRequest | undefined,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  profiles?: ProfileSpec,
): void {
  const endpoints: { value: string | undefined; name: string }[] = [{ value: new SettingsSource(req?.config, env).get(setting.config, setting.env), name: setting.config }];
  if (profiles) {
    let map: ReturnType<typeof readProfiles> = new Map();
    try {
      map = readProfiles(req?.config, profiles, env);
    } catch {
      // Reported by the settings of whichever profile is used.
    }
    for (const [name, raw] of map) {
      endpoints.push({ value: raw.values.endpoint, name: rawProfileKeyName(profiles, raw.from, name, "endpoint") });
    }
  }
  for (const { value, name } of endpoints) {
    if (value === undefined) continue;
    let endpoint: URL;
    try {
      endpoint = parseEndpoint(value, name);
    } catch {
      continue;
    }
    const notice = nonStandardEndpointNotice(endpoint, vendor, name);
    if (!notice || said.has(notice)) continue;
    said.add(notice);
    logger.warn(notice);
  }
}
