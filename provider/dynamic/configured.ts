import type * as pulumi from "@pulumi/pulumi";
import { SettingsSource } from "../config/settings-source";

/**
 * Settings read once in `configure`. Pulumi caches the provider before `configure` returns,
 * so `configure` must not throw: an error is kept and raised by each operation that needs
 * the settings (at preview that is `check`, so the message shows before anything runs).
 */
export class ConfiguredSettings<T> {
  private value?: T;
  private error?: Error;

  constructor(private readonly read: (source: SettingsSource) => T) {}

  /** Reads the settings from the stack config (falling back to the environment). */
  configure(req: pulumi.dynamic.ConfigureRequest | undefined): void {
    try {
      this.value = this.read(new SettingsSource(req?.config));
      this.error = undefined;
    } catch (e) {
      this.error = e as Error;
    }
  }

  /** The settings, or the error reading them gave. */
  get(): T {
    if (this.error) throw this.error;
    // Pulumi versions before dynamic-provider `configure` (3.139) never call it: read the environment.
    if (this.value === undefined) this.configure(undefined);
    if (this.error) throw this.error;
    return this.value!;
  }
}

/** One client per distinct key (endpoint and credentials), shared by every resource of the process. */
export class ClientPool<C> {
  private readonly clients = new Map<string, C>();

  get(key: string, make: () => C): C {
    let client = this.clients.get(key);
    if (!client) {
      client = make();
      this.clients.set(key, client);
    }
    return client;
  }
}
