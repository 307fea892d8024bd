import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "pulumi-dingtalk-feishu/runtime";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 1;
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, value: string) {
    super(providerShim("noop"), name, { value }, {}, "testing", "Noop");
  }
}

const resources = Array.from({ length: count }, (_, i) => new Noop(`noop-${i}`, `v${i}`));

export const ids = resources.map((r) => r.id);
