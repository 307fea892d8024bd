import { describe, expect, it } from "vitest";
import { VendorApiError, type Vendor } from "../../provider/core/errors";
import { classifyFailure } from "../../provider/core/retry-policy";
import { DingTalkClient } from "../../provider/dingtalk/client";
import { FeishuClient } from "../../provider/feishu/client";
import { caught, DINGTALK_VENDOR, FEISHU_VENDOR, mockedClients } from "./helpers";

// Issue 9, section 7: a known non-retryable vendor code wins over a 5xx status.

function vendorError(vendor: Vendor, httpStatus: number, vendorCode: string): VendorApiError {
  return new VendorApiError({ vendor, operation: "subscribe", target: "T" }, { httpStatus, vendorCode });
}

describe("non-retryable codes win over the HTTP status", () => {
  it.each([
    ["dingtalk", 503, "IpBanned"],
    ["dingtalk", 500, "IpBanned"],
    ["dingtalk", 500, "permissionDenied"],
    ["dingtalk", 502, "paramError"],
    ["dingtalk", 503, "paramError.scopeId"],
    ["dingtalk", 500, "Forbidden.AccessDenied.AccessTokenPermissionDenied"],
    ["feishu", 500, "154003"],
    ["feishu", 503, "154000"],
    ["feishu", 503, "99991672"],
    ["feishu", 502, "99991401"],
    ["feishu", 429, "99991672"],
  ] as const)("%s %i %s is never retried", (vendor, status, code) => {
    expect(classifyFailure(vendorError(vendor, status, code))).toEqual({ retry: false });
  });

  it("still retries other 5xx answers", () => {
    expect(classifyFailure(vendorError("dingtalk", 503, "systemError"))).toEqual({ retry: true, kind: "server" });
    expect(classifyFailure(vendorError("feishu", 500, "155000"))).toEqual({ retry: true, kind: "server" });
  });
});

const dingTalk = mockedClients(DINGTALK_VENDOR);
const feishu = mockedClients(FEISHU_VENDOR);

describe("the vendor sees one request for a non-retryable answer on a 5xx", () => {
  const scope = { scope: "ORG" as const, scopeId: "ding123", unionId: "u1" };
  const dingTalkClient = () =>
    dingTalk.setup((deps) => new DingTalkClient({ ...deps, credentials: { kind: "app", appKey: "dingtable", appSecret: "app-secret-table-1234" } }));

  it("DingTalk IP ban as JSON {status: 1111, punish: deny} on 503", async () => {
    const t = dingTalkClient();
    t.token();
    t.api(503, { status: 1111, punish: "deny" });
    const error = await caught(() => t.client.subscribe(scope));
    expect((error as VendorApiError).vendorCode).toBe("IpBanned");
    expect(t.seen.filter((s) => s.path.startsWith("/v1.0/storage/")).length).toBe(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it("DingTalk IP ban as an HTML page on 503", async () => {
    const t = dingTalkClient();
    t.token();
    t.api(503, "<html><body>punish deny: access denied</body></html>", { "content-type": "text/html" });
    const error = await caught(() => t.client.subscribe(scope));
    expect((error as VendorApiError).vendorCode).toBe("IpBanned");
    expect(t.seen.filter((s) => s.path.startsWith("/v1.0/storage/")).length).toBe(1);
  });

  it("DingTalk permissionDenied on 500", async () => {
    const t = dingTalkClient();
    t.token();
    t.api(500, { code: "permissionDenied", message: "no permission", requestid: "R1" });
    const error = await caught(() => t.client.subscribe(scope));
    expect((error as VendorApiError).vendorCode).toBe("permissionDenied");
    expect(t.seen.filter((s) => s.path.startsWith("/v1.0/storage/")).length).toBe(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it.each(["154003", "99991672"])("Feishu %s on 503", async (code) => {
    const t = feishu.setup(
      (deps) =>
        new FeishuClient({
          ...deps,
          credentials: { kind: "app", appId: "cli_table", appSecret: "app-secret-table-5678" },
          helpdesk: { helpdeskId: "1", helpdeskToken: "hd-token-table-5678" },
        }),
    );
    t.token();
    t.api(503, { code: Number(code), msg: "denied", error: { log_id: "L1" } });
    const error = await caught(() => t.client.subscribe([{ type: "helpdesk.ticket", subtype: "ticket.created_v1" }]));
    expect((error as VendorApiError).vendorCode).toBe(code);
    expect(t.seen.filter((s) => s.path.startsWith("/open-apis/helpdesk/")).length).toBe(1);
    expect(t.clock.sleeps).toEqual([]);
  });
});
