// Run by the Automation API as an inline program: the module exports the program function.
const pulumi = require("@pulumi/pulumi");
const { dingtalk } = require("pulumi-dingtalk-feishu");

module.exports = async () => {
  const config = new pulumi.Config();
  const space = new dingtalk.StorageEventSubscription("inline-space", {
    scope: "SPACE",
    scopeId: config.require("spaceId"),
    unionId: config.require("operatorUnionId"),
  });
  return { subscription: space.id };
};
