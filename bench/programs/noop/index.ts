// The benchmark's baseline: N dynamic resources that call no vendor and store one value, run by
// the same dynamic-provider host through the same one-line `__provider` module as the package's
// resources (kind "noop"). What it costs is what the engine alone costs per resource.
import * as pulumi from "@pulumi/pulumi";
import { dynamicType, withProvider } from "pulumi-dingtalk-feishu/runtime";

const count = new pulumi.Config().getNumber("count") ?? 1;

class Noop extends pulumi.CustomResource {
  constructor(name: string, value: string) {
    super(dynamicType("testing", "Noop"), name, withProvider("noop", { value }), {});
  }
}

export const ids = Array.from({ length: count }, (_, i) => new Noop(`noop-${i}`, `v${i}`).id);
