import * as pulumi from "@pulumi/pulumi";
import { dingtalk } from "pulumi-dingtalk-feishu";

const config = new pulumi.Config();
const operator = config.require("operatorUnionId");

// Every file change in the organization.
const org = new dingtalk.StorageEventSubscription("org-files", {
  scope: "ORG",
  scopeId: config.require("corpId"),
  unionId: operator,
});

// File changes in chosen storage spaces only.
const spaces = (config.getObject<string[]>("spaceIds") ?? []).map(
  (spaceId) => new dingtalk.StorageEventSubscription(`space-${spaceId}`, { scope: "SPACE", scopeId: spaceId, unionId: operator }),
);

export const orgSubscription = org.id;
export const spaceSubscriptions = spaces.map((s) => s.id);
