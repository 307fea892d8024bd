// The environment a deployment pipeline hands its job, pointed at the emulator: shared by the
// Automation API example's test and the pipelines page's test.
import { delimiter } from "node:path";
import { DEFAULT_CREDENTIALS } from "../../provider/emulator";
import { pulumiBinDir } from "./harness";

/** The emulator's default internal apps and helpdesk, as the variables the provider reads. */
export function credentialEnv(): Record<string, string> {
  const C = DEFAULT_CREDENTIALS;
  return {
    DINGTALK_APP_KEY: C.dingtalk.apps[0].appKey,
    DINGTALK_APP_SECRET: C.dingtalk.apps[0].appSecret,
    FEISHU_APP_ID: C.feishu.apps[0].appId,
    FEISHU_APP_SECRET: C.feishu.apps[0].appSecret,
    FEISHU_HELPDESK_ID: C.feishu.helpdesks[0].helpdeskId,
    FEISHU_HELPDESK_TOKEN: C.feishu.helpdesks[0].helpdeskToken,
  };
}

/**
 * This process's environment without any DingTalk, Feishu or Pulumi setting of the test runner,
 * the pinned CLI first on PATH, and both vendors' endpoints at the emulator.
 */
export function jobBaseEnv(emulatorUrl: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DINGTALK|FEISHU|PULUMI)_/.test(k)));
  return {
    ...inherited,
    PATH: `${pulumiBinDir()}${delimiter}${process.env.PATH}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    DINGTALK_ENDPOINT: emulatorUrl,
    FEISHU_ENDPOINT: emulatorUrl,
  };
}
