// The benchmark's measured program: N DingTalk storage event subscriptions (SPACE scope), built
// from a count in the stack config exactly as the no-op baseline (bench/programs/noop) builds its
// N resources. The list is not passed through config: the dynamic provider's default provider
// records the whole stack config in state (twice), so a 1000-entry list in config would weigh
// about 190 bytes per resource on the checkpoint and be charged to the provider.
import * as pulumi from "@pulumi/pulumi";
import { dingtalk } from "pulumi-dingtalk-feishu";

const count = new pulumi.Config().getNumber("count") ?? 1;

export const ids = Array.from(
  { length: count },
  (_, i) => new dingtalk.StorageEventSubscription(`s${i}`, { scope: "SPACE", scopeId: `bench-space-${i}`, unionId: "bench-operator" }).id,
);
