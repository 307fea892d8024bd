/**
 * Runs the steps after a successful vendor call. If one fails, the error carries the id
 * (and what is known of the outputs) so that Pulumi records the resource as created but
 * failed, and a later destroy cleans it up (the dynamic provider reports `err.id`).
 */
export function createdButFailed<T extends { id: string; outs?: unknown }>(id: string, rest: () => T): T {
  try {
    return rest();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    Object.assign(err, { id, properties: {}, reasons: [`subscribed ${id}, then: ${err.message}`] });
    throw err;
  }
}
