import type * as pulumi from "@pulumi/pulumi";
import { nonStandardEndpointNotice, parseEndpoint } from "../core/endpoint";
import type { Logger } from "../core/logger";
import { SettingsSource, type SettingName } from "../config/settings-source";

const said = new Set<string>();

/**
 * Says once per provider process (once per `pulumi preview`) that a vendor endpoint is not one
 * of the vendor's documented hosts; says nothing for the documented hosts and for loopback (the
 * emulator). An invalid endpoint is left to the settings, which refuse it with their own error.
 */
export function noticeNonStandardEndpoint(
  vendor: "dingtalk" | "feishu",
  setting: SettingName,
  req: pulumi.dynamic.ConfigureRequest | undefined,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const value = new SettingsSource(req?.config, env).get(setting.config, setting.env);
  if (value === undefined) return;
  let endpoint: URL;
  try {
    endpoint = parseEndpoint(value, setting.config);
  } catch {
    return;
  }
  const notice = nonStandardEndpointNotice(endpoint, vendor, setting.config);
  if (!notice || said.has(notice)) return;
  said.add(notice);
  logger.warn(notice);
}
