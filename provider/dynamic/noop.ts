import type * as pulumi from "@pulumi/pulumi";

/**
 * A provider that calls no vendor: it stores its inputs. Used by the engine smoke test and
 * as the benchmark's baseline for what the engine alone costs per resource.
 */
export class NoopProvider {
  async configure(_req: pulumi.dynamic.ConfigureRequest): Promise<void> {}
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return { inputs: news };
  }
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    return { changes: JSON.stringify(olds.value) !== JSON.stringify(news.value) };
  }
  async create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    return { id: `noop-${String(inputs.value ?? "")}`, outs: { value: inputs.value } };
  }
  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    return { id, props };
  }
  async update(_id: string, _olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: { value: news.value } };
  }
  async delete(): Promise<void> {}
}
