// Runs `pulumi preview`, `up` or `destroy` of the program beside it (index.ts) through Pulumi's
// Automation API: what a deployment pipeline step does, as a TypeScript program.
//
//   node out/deploy.js preview|up|destroy
//
// Everything comes from the environment, the way a CI system hands out its secrets:
//   PULUMI_BACKEND_URL            where the state lives (file://…, s3://…, or unset for Pulumi Cloud)
//   PULUMI_CONFIG_PASSPHRASE      the stack's secrets passphrase (file:// and object-store backends)
//   PULUMI_STACK                  the stack, created on first use (default "ci")
//   DINGTALK_APP_KEY, DINGTALK_APP_SECRET, FEISHU_APP_ID, FEISHU_APP_SECRET,
//   FEISHU_HELPDESK_ID, FEISHU_HELPDESK_TOKEN (and DINGTALK_ENDPOINT / FEISHU_ENDPOINT if needed)
//                                 read by the provider itself; never written to the stack
//   DINGTALK_SPACE_ID, DINGTALK_OPERATOR_UNION_ID
//                                 the program's own inputs, set as plain stack config
import { ConcurrentUpdateError, LocalWorkspace, type PulumiCommand } from "@pulumi/pulumi/automation";
import * as path from "node:path";

/** The operations a pipeline runs. */
export type Operation = "preview" | "up" | "destroy";

/** Options of {@link deploy}. */
export interface DeployOptions {
  /** The environment of the `pulumi` CLI and of the provider process. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where the CLI's output goes, as it comes. @default process.stdout */
  onOutput?: (text: string) => void;
  /** The Pulumi CLI to run. @default `pulumi` on PATH */
  pulumiCommand?: PulumiCommand;
}

/** What an operation changed, and the stack outputs after `up`. */
export interface DeployResult {
  changes: Record<string, number>;
  outputs: Record<string, unknown>;
}

// The program is this folder's Pulumi.yaml and index.ts (compiled, this file runs from out/).
const PROGRAM_DIR = path.basename(__dirname) === "out" ? path.dirname(__dirname) : __dirname;

/** Runs one operation on the stack named by `PULUMI_STACK` (default `ci`). */
export async function deploy(op: Operation, options: DeployOptions = {}): Promise<DeployResult> {
  const env = options.env ?? process.env;
  const onOutput = options.onOutput ?? ((text: string) => void process.stdout.write(text));
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: env.PULUMI_STACK || "ci", workDir: PROGRAM_DIR },
    { envVars, pulumiCommand: options.pulumiCommand },
  );
  // The program's own inputs; credentials stay in the environment.
  await stack.setAllConfig({
    spaceId: { value: required(env, "DINGTALK_SPACE_ID") },
    operatorUnionId: { value: required(env, "DINGTALK_OPERATOR_UNION_ID") },
  });
  switch (op) {
    case "preview": {
      const r = await stack.preview({ onOutput });
      return { changes: r.changeSummary, outputs: {} };
    }
    case "up": {
      const r = await stack.up({ onOutput });
      const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
      return { changes: r.summary.resourceChanges ?? {}, outputs };
    }
    case "destroy": {
      const r = await stack.destroy({ onOutput });
      return { changes: r.summary.resourceChanges ?? {}, outputs: {} };
    }
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`set the environment variable ${name}`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const op = argv[0];
  if (op !== "preview" && op !== "up" && op !== "destroy") {
    process.stderr.write("usage: node out/deploy.js preview|up|destroy\n");
    return 2;
  }
  try {
    const result = await deploy(op);
    process.stdout.write(`\n${op}: ${JSON.stringify(result.changes)}\n`);
    return 0;
  } catch (e) {
    // The CLI's own diagnostics were already printed through onOutput; add one line, not a stack.
    if (e instanceof ConcurrentUpdateError) {
      process.stderr.write(`${op} failed: another update holds the stack's lock; wait for it, or run \`pulumi cancel\` if it was killed.\n`);
    } else {
      process.stderr.write(`${op} failed: ${e instanceof Error && !/^code: /.test(e.message) ? e.message : "see the diagnostics above"}\n`);
    }
    return 1;
  }
}

if (typeof module !== "undefined" && require.main === module) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
