/**
 * One vendor call in flight: what was asked, what the ledger will say, and how it ends.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorContext } from "./context";
import type { FailureKind, FaultOp, ScriptedFault } from "./fault-config";
import type { FaultSubject } from "./faults";
import { writeJson, writeText } from "./http";
import { UNKNOWN_APP, type LedgerFault, type LedgerOp, type LedgerRecord } from "./ledger";
import type { Reply, VendorDialect } from "./reply";

type Annotations = Partial<Pick<LedgerRecord, "app" | "scope" | "scopeId" | "unionId" | "helpdeskId" | "helpdeskAuthForm" | "events">>;

/** A call to a vendor path; ends exactly once by answering, dropping or hanging. */
export class VendorCall {
  private notes: Annotations = {};
  private delayed = false;
  private ended = false;
  // Set by an `applied-*` fault: the call is carried out, then its success answer is lost.
  private afterApply: "applied-drop" | "applied-hang" | undefined;

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
  gate(subject: Omit<FaultSubject, "vendor" | "op">): boolean {
    const op = this.op as FaultOp;
    const decision = this.ctx.faults.decide({ ...subject, op, vendor: this.dialect.vendor });
    if (decision === undefined) return false;
    if (decision.kind === "throttled") {
      this.answer(this.dialect.throttled(decision.limit, decision.resetSeconds), "throttled");
      return true;
    }
    const scripted = decision.kind === "scripted" ? decision.fault : undefined;
    const kind = scripted?.fault ?? (decision as { failure: FailureKind }).failure;
    switch (kind) {
      case "drop":
        this.drop();
        return true;
      case "hang":
        this.hang();
        return true;
      case "applied-drop":
      case "applied-hang":
        this.afterApply = kind;
        return false;
    }
    const limit = this.ctx.faults.config.throttleQps;
    const reply =
      scripted === undefined
        ? this.dialect.failure(kind as "500" | "503" | "429", limit)
        : withOverrides(this.dialect.scripted(scripted, limit), scripted);
    this.answer(reply, kind === "throttle" || kind === "throttle-400" ? "throttled" : "injected");
    return true;
  }

  /**
   * Sends the answer and records it. After an `applied-*` fault a success answer is lost
   * instead (the change it reports stays made); a refusal is still sent, since nothing was applied.
   */
  answer(reply: Reply, fault?: LedgerFault): void {
    if (this.afterApply !== undefined && reply.status >= 200 && reply.status < 300) {
      return this.afterApply === "applied-drop" ? this.drop("applied-dropped") : this.hang("applied-hang");
    }
    if (!this.end(reply.status, reply.code, fault)) return;
    if (reply.raw !== undefined) writeText(this.res, reply.status, reply.raw.contentType, reply.raw.text, reply.headers);
    else writeJson(this.res, reply.status, reply.body, reply.headers);
  }

  /** Records the call, then destroys the socket without answering. */
  drop(fault: "dropped" | "applied-dropped" = "dropped"): void {
    if (!this.end(0, "", fault)) return;
    this.req.socket.destroy();
  }

  /** Records the call, then leaves it open without answering. */
  hang(fault: "hang" | "applied-hang" = "hang"): void {
    if (!this.end(0, "", fault)) return;
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

/** A scripted answer with its chosen status and extra headers. */
function withOverrides(reply: Reply, fault: ScriptedFault): Reply {
  return {
    ...reply,
    status: fault.status ?? reply.status,
    headers: { ...reply.headers, ...fault.headers },
  };
}
