import { dingtalk } from "pulumi-dingtalk-feishu";

// `scope` accepts "ORG" or "SPACE" only: this must fail the type check, not reach the vendor.
new dingtalk.StorageEventSubscription("wrong", { scope: "TEAM", scopeId: "space-1", unionId: "op-1" });
