/**
 * Coverage that resources of the current deployment still claim, per provider process
 * (one process serves one deployment).
 *
 * Why: the vendors identify a subscription only by what it covers. When a resource is
 * renamed, or replaced by one covering the same thing, Pulumi creates the new resource
 * first and deletes the old one last; unsubscribing then would cut off what the new
 * resource still claims. `check` runs for every resource the program declares, and
 * `create`/`update` for every one they change, so a key seen there is still wanted.
 */
export class Claims {
  private readonly keys = new Set<string>();

  /** Records that a resource of this deployment wants `key`. */
  claim(key: string): void {
    this.keys.add(key);
  }

  /** Whether a resource of this deployment wants `key`. */
  isClaimed(key: string): boolean {
    return this.keys.has(key);
  }
}
