#!/usr/bin/env node
// Runs one Pulumi operation on a program folder through the Automation API, in a process
// of its own, and prints the result as one JSON line prefixed "@@result ".
//
// By default the program is a *local* one: the engine starts the Node language host in the
// program's folder, which runs it with the program's own @pulumi/pulumi and ts-node (type
// checked), exactly as `pulumi up` typed in that folder does. `inline: true` runs the folder's
// JavaScript entry point as an inline program instead (the path of users who embed Pulumi).
// Each operation gets a clean process because Pulumi's runtime keeps process-wide state.
//
// Request (JSON, path in argv[2]):
// { programDir, stackName, backendUrl, op: "up"|"preview"|"destroy"|"refresh"|"export"|"import"|"remove",
//   config?: { "ns:key": { value, secret? } }, configPath?: boolean, env?: {...}, pulumiBinDir,
//   deployment?, flags?: {...}, inline?: boolean }
"use strict";
const fs = require("node:fs");
const path = require("node:path");

function loadProject(programDir) {
  const text = fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const main = /^main:\s*(\S+)/m.exec(text)?.[1];
  if (!name) throw new Error(`no project name in ${programDir}/Pulumi.yaml`);
  const entry = main ? path.resolve(programDir, main) : programDir;
  return { name, entry };
}

async function main() {
  const req = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const programDir = path.resolve(req.programDir);
  // Resolve the automation API from the program's own @pulumi/pulumi: exactly one copy
  // must serve both the engine connection and the program's resources.
  const pulumiMain = require.resolve("@pulumi/pulumi", { paths: [programDir] });
  const auto = require(path.join(path.dirname(pulumiMain), "automation"));

  const env = {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_CONFIG_PASSPHRASE: req.passphrase ?? "e2e-passphrase",
    PULUMI_BACKEND_URL: req.backendUrl,
    PATH: `${req.pulumiBinDir}${path.delimiter}${process.env.PATH}`,
    ...req.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === null) delete env[k];
  Object.assign(process.env, env);
  const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(req.pulumiBinDir), skipVersionCheck: true });

  let stack;
  if (req.inline) {
    const project = loadProject(programDir);
    const program = async () => {
      const exported = require(project.entry);
      const value = typeof exported === "function" ? await exported() : typeof exported?.default === "function" ? await exported.default() : exported;
      return { ...(value ?? {}) };
    };
    stack = await auto.LocalWorkspace.createOrSelectStack(
      { stackName: req.stackName, projectName: project.name, program },
      { workDir: programDir, envVars: env, pulumiCommand },
    );
  } else {
    stack = await auto.LocalWorkspace.createOrSelectStack({ stackName: req.stackName, workDir: programDir }, { envVars: env, pulumiCommand });
  }
  if (req.config && Object.keys(req.config).length > 0) {
    await stack.setAllConfig(req.config, !!req.configPath);
  }

  let stdout = "";
  const onOutput = (s) => { stdout += s; if (req.echo) process.stderr.write(s); };
  const flags = req.flags ?? {};
  let result = {};
  // How long the operation itself took (the benchmark reports it without this process's start-up).
  const startedAt = Date.now();
  try {
    switch (req.op) {
      case "up": {
        const r = await stack.up({ onOutput, ...flags });
        result = { summary: r.summary, outputs: plainOutputs(r.outputs) };
        break;
      }
      case "preview": {
        const r = await stack.preview({ onOutput, ...flags });
        result = { changeSummary: r.changeSummary };
        break;
      }
      case "destroy": {
        const r = await stack.destroy({ onOutput, ...flags });
        result = { summary: r.summary };
        break;
      }
      case "refresh": {
        const r = await stack.refresh({ onOutput, ...flags });
        result = { summary: r.summary };
        break;
      }
      case "export":
        // What `pulumi stack export` shows a user: secrets stay encrypted (the Automation
        // API's exportStack adds --show-secrets, which is not what lands in files or logs).
        result = {
          deployment: JSON.parse(
            require("node:child_process").execFileSync(path.join(req.pulumiBinDir, "pulumi"), ["stack", "export", "--stack", req.stackName], {
              cwd: programDir,
              env: process.env,
              encoding: "utf8",
              maxBuffer: 256 * 1024 * 1024,
            }),
          ),
        };
        break;
      case "import":
        await stack.importStack(req.deployment);
        break;
      case "remove":
        await stack.workspace.removeStack(req.stackName, flags);
        break;
      default:
        throw new Error(`unknown op ${req.op}`);
    }
    process.stdout.write(`@@result ${JSON.stringify({ ok: true, stdout, elapsedMs: Date.now() - startedAt, ...result })}\n`);
  } catch (e) {
    const err = { message: String(e && e.message || e), stdout: e?.commandResult?.stdout ?? "", stderr: e?.commandResult?.stderr ?? "" };
    process.stdout.write(`@@result ${JSON.stringify({ ok: false, stdout: stdout + err.stdout, error: err })}\n`);
  }
}

function plainOutputs(outputs) {
  const out = {};
  for (const [k, v] of Object.entries(outputs ?? {})) out[k] = v.secret ? "[secret]" : v.value;
  return out;
}

// Exit only once stdout is flushed: a result line of several hundred KB (a big stack's output)
// was cut short by exiting right after writing it to the pipe.
const exitWhenFlushed = () => process.stdout.write("", () => process.exit(0));
main().then(
  exitWhenFlushed,
  (e) => { process.stdout.write(`@@result ${JSON.stringify({ ok: false, error: { message: String(e && e.stack || e) } })}\n`); exitWhenFlushed(); },
);
