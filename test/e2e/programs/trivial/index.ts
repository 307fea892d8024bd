import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "pulumi-dingtalk-feishu/runtime";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
const resources = Array.from({ length: count }, (_, i) =>
  new pulumi.dynamic.Resource(providerShim("noop"), `noop-${i}`, { value: `v${i}` }, {}, "testing", "Noop"),
);

export const ids = resources.map((r) => r.id);
