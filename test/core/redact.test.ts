import { describe, expect, it } from "vitest";
import { redact, registerSecret } from "../../provider/core/redact";

describe("redact", () => {
  it("replaces every registered secret, however often it appears", () => {
    registerSecret("S3cr3t-redact-test-value");
    expect(redact("a S3cr3t-redact-test-value b S3cr3t-redact-test-value")).toBe("a [redacted] b [redacted]");
  });

  it("prefers the longest match when secrets overlap", () => {
    registerSecret("overlap-secret");
    registerSecret("overlap-secret-longer");
    expect(redact("x overlap-secret-longer y")).toBe("x [redacted] y");
  });

  it("ignores values too short to be secrets", () => {
    registerSecret("abc");
    registerSecret("");
    registerSecret(undefined);
    expect(redact("abc")).toBe("abc");
  });

  it("hides token shapes in header and body dumps even when not registered", () => {
    expect(redact("Authorization: Bearer t-unregistered123")).toBe("Authorization: Bearer [redacted]");
    expect(redact("x-acs-dingtalk-access-token: 0123456789abcdef")).toBe("x-acs-dingtalk-access-token: [redacted]");
    expect(redact('{"X-Lark-Helpdesk-Authorization":"aWQ6dG9rZW4="}')).toBe('{"X-Lark-Helpdesk-Authorization":"[redacted]"}');
    expect(redact('{"accessToken":"abcdef0123","expireIn":7200}')).toBe('{"accessToken":"[redacted]","expireIn":7200}');
    expect(redact("app_secret=hunter2hunter2&x=1")).toBe("app_secret=[redacted]&x=1");
    expect(redact("token t-g1044ghJRUIJJ5ELPPDAOSFWTRB2EMKSNXTAFCKC here")).toBe("token [redacted] here");
  });

  it("leaves ordinary text alone", () => {
    const text = "DingTalk subscribe ORG:ding123 failed: 503 operationTimeout (request id 3A4F9C1E).";
    expect(redact(text)).toBe(text);
  });
});
