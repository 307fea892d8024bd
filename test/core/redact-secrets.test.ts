import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { bodySnippet } from "../../provider/core/answer";
import { AuthError, VendorApiError } from "../../provider/core/errors";
import { redact, registerSecret } from "../../provider/core/redact";
import { requireSetting } from "../../provider/core/settings";
import { TokenCache } from "../../provider/core/token-cache";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { caught, mockedClients } from "./helpers";

// Issue 9, section 6: redact the whole text first, then cut; escaped forms of each secret;
// configured secrets pinned; details and hints redacted deeply.

describe("bodySnippet", () => {
  it("redacts the whole text before cutting it, so a secret across the cut leaks no prefix", () => {
    const secret = "S3cr3tAppSecretValue-snippet-0123456789";
    registerSecret(secret);
    const head = "<html><body>Request blocked. {&quot;appKey&quot;:&quot;k1&quot;,&quot;appSecret&quot;:&quot;";
    // The secret starts at character 185 and runs across the 200-character cut.
    const echo = `${head.padEnd(185 - "&quot;appSecret&quot;:&quot;".length, "x")}&quot;appSecret&quot;:&quot;${secret}&quot;}</body></html>`;
    expect(echo.indexOf(secret)).toBe(185);
    const snippet = bodySnippet(echo);
    expect(snippet).not.toContain(secret.slice(0, 8));
    expect(snippet.length).toBeLessThanOrEqual(201);
  });

  it("keeps a DingTalk error built from such an answer free of the secret's prefix", async () => {
    const secret = "AppSecretEchoedByTheGateway-0123456789";
    const dingTalk = mockedClients({
      origin: "https://api.dingtalk.com",
      token: { path: "/v1.0/oauth2/accessToken", headers: {}, answer: () => ({}) },
      api: { path: "/", headers: {} },
    });
    const t = dingTalk.setup((deps) => new DingTalkClient({ ...deps, credentials: { kind: "app", appKey: "k1", appSecret: secret }, options: { maxAttempts: 2 } }));
    const page = `<html><body>Blocked ${"y".repeat(135)} {&quot;appSecret&quot;:&quot;${secret}&quot;}</body></html>`;
    t.reply("/v1.0/oauth2/accessToken", 502, page, { "content-type": "text/html" });
    t.reply("/v1.0/oauth2/accessToken", 502, page, { "content-type": "text/html" });
    const error = await caught(() => t.client.subscribe({ scope: "ORG", scopeId: "ding1", unionId: "u1" }));
    const at = page.indexOf(secret);
    expect(at).toBeLessThan(200);
    expect(at + secret.length).toBeGreaterThan(200);
    expect(error.message).toContain("unexpected HTML answer");
    expect(error.message).not.toContain(secret.slice(0, 8));
  });
});

describe("escaped forms of a secret", () => {
  it.each([
    ["JSON", (s: string) => JSON.stringify(s).slice(1, -1)],
    ["HTML", (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;")],
    ["URL", (s: string) => encodeURIComponent(s)],
    ["form", (s: string) => encodeURIComponent(s).replace(/%20/g, "+")],
  ])("%s-escaped", (_name, escape) => {
    const secret = `se"cr<et>&'x/y z\\w-${_name}`;
    registerSecret(secret);
    const escaped = escape(secret);
    expect(escaped).not.toBe(secret);
    expect(redact(`echo ${escaped} end`)).toBe("echo [redacted] end");
  });
});

describe("configured secrets are pinned", () => {
  it("stay redacted however many fetched tokens are registered after them", async () => {
    const configured = requireSetting("myConfiguredAppSecret-0123456789", "dingtalk:appSecret", { secret: true });
    const cache = new TokenCache();
    for (let i = 0; i < 4200; i++) {
      await cache.get(`key-${i}`, async () => ({ token: `fetched-token-${i.toString(16).padStart(12, "0")}`, expiresInMs: 7_200_000 }));
    }
    expect(redact(`echo ${configured}`)).toBe("echo [redacted]");
  });
});

describe("VendorApiError details and hint", () => {
  it("are redacted deeply, so util.inspect shows no echoed secret", () => {
    const helpdeskToken = "hdSecretToken-77777777-deep";
    registerSecret(helpdeskToken);
    const failure = {
      httpStatus: 400,
      vendorCode: "154000",
      vendorMessage: "bad request",
      details: {
        fieldViolations: [{ field: "X-Lark-Helpdesk-Authorization", value: `42:${helpdeskToken}`, nested: { deeper: [helpdeskToken] } }],
      },
    };
    const error = new VendorApiError({ vendor: "feishu", operation: "subscribe", target: "helpdesk:42" }, failure, `echoed ${helpdeskToken}`);
    expect(inspect(error, { depth: 10 })).not.toContain(helpdeskToken);
    expect(JSON.stringify(error.details)).toContain("[redacted]");
    expect(error.hint).toBe("echoed [redacted]");
    const auth = AuthError.fromVendor({ vendor: "feishu", operation: "get tenant access token", target: "app:x" }, failure, undefined, []);
    expect(inspect(auth, { depth: 10 })).not.toContain(helpdeskToken);
  });
});
