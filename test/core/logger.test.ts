import { describe, expect, it } from "vitest";
import { createStderrLogger } from "../../provider/core/logger";
import { registerSecret } from "../../provider/core/redact";

describe("createStderrLogger", () => {
  it("writes prefixed, redacted single lines", () => {
    const lines: string[] = [];
    registerSecret("logger-secret-value-42");
    const logger = createStderrLogger({ env: {}, write: (l) => void lines.push(l) });
    logger.info("retrying with logger-secret-value-42\nsecond line");
    logger.warn("careful");
    expect(lines).toEqual([
      "[pulumi-dingtalk-feishu] info: retrying with [redacted] second line\n",
      "[pulumi-dingtalk-feishu] warn: careful\n",
    ]);
  });

  it("writes debug lines only with PULUMI_DINGTALK_FEISHU_DEBUG=1", () => {
    const quiet: string[] = [];
    createStderrLogger({ env: {}, write: (l) => void quiet.push(l) }).debug("hidden");
    const loud: string[] = [];
    createStderrLogger({ env: { PULUMI_DINGTALK_FEISHU_DEBUG: "1" }, write: (l) => void loud.push(l) }).debug("shown");
    expect(quiet).toEqual([]);
    expect(loud).toEqual(["[pulumi-dingtalk-feishu] debug: shown\n"]);
  });
});
