/**
 * One vendor call in flight: what was asked, what the ledger will say, and how it ends.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "./context";
import type { FaultSubject } from "./faults";
import { writeJson } from "./http";
import { UNKNOWN_APP, type LedgerFault, type LedgerOp, type LedgerRecord } from "./ledger";
import type { Reply, VendorDialect } from "./reply";

type Annotations = Partial<Pick<LedgerRecord, "app" | "scope" | "scopeId" | "unionId" | "helpdeskId" | "events">>;

/** A call to a vendor path; ends exactly once by answering, dropping or hanging. */
export class VendorCall {
  private notes: Annotations = {};
  private delayed = false;
  private ended = false;

  constructor(
    /** Shared emulator state. */
    readonly ctx: EmulatorContext,
    /** The vendor's answer shapes. */
    readonly dialect: VendorDialect,
    /** What the call is for. */
    readonly op: LedgerOp,
    /** The request. */
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    /** Path without the query. */
    readonly path: string,
    /** Query parameters. */
    readonly query: URLSearchParams,
    /** The raw body; `undefined` when it was too large. */
    readonly body: string | undefined,
  ) {}

  /** Adds ledger fields (never pass secrets; the ledger masks them anyway). */
  annotate(fields: Annotations): void {
    this.notes = { ...this.notes, ...fields };
  }

  /** Applies `latencyMs` when it is configured for this kind of call. */
  async delay(tokenEndpoint: boolean): Promise<void> {
    const ms = this.ctx.faults.latencyFor({ tokenEndpoint });
    if (ms > 0) {
      this.delayed = true;
      await this.ctx.sleep(ms);
    }
  }

  /**
   * Throttling and random failures. Returns `true` when a fault ended the call,
   * so the handler must stop before touching any state.
   */
  gate(subject: Omit<FaultSubject, "vendor">): boolean {
    const decision = this.ctx.faults.decide({ ...subject, vendor: this.dialect.vendor });
    if (decision === undefined) return false;
    if (decision.kind === "throttled") {
      this.answer(this.dialect.throttled(decision.limit, decision.resetSeconds), "throttled");
    } else if (decision.failure === "drop") {
      this.drop();
    } else if (decision.failure === "hang") {
      this.hang();
    } else {
      this.answer(this.dialect.failure(decision.failure, this.ctx.faults.config.throttleQps), "injected");
    }
    return true;
  }

  /** Sends the answer and records it. */
  answer(reply: Reply, fault?: LedgerFault): void {
    if (!this.end(reply.status, reply.code, fault)) return;
    writeJson(this.res, reply.status, reply.body, reply.headers);
  }

  /** Records the call, then destroys the socket without answering. */
  drop(): void {
    if (!this.end(0, "", "dropped")) return;
    this.req.socket.destroy();
  }

  /** Records the call, then leaves it open without answering. */
  hang(): void {
    if (!this.end(0, "", "hang")) return;
    this.ctx.park(this.req, this.res);
  }

  private end(status: number, code: string, fault: LedgerFault | undefined): boolean {
    if (this.ended) return false;
    this.ended = true;
    const chosen = fault ?? (this.delayed ? "latency" : undefined);
    this.ctx.ledger.record({
      at: this.ctx.now(),
      vendor: this.dialect.vendor,
      op: this.op,
      method: this.req.method ?? "",
      path: this.path,
      status,
      code,
      app: UNKNOWN_APP,
      ...this.notes,
      ...(chosen === undefined ? {} : { fault: chosen }),
    });
    return true;
  }
}
