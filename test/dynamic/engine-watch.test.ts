import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { engineAddress, watchEngine } from "../../provider/dynamic/engine-watch";

const HOST = "/repo/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";
let server: Server | undefined;
afterEach(() => server?.close());

async function listen(): Promise<number> {
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

describe("engine watch", () => {
  it("knows the engine address only inside the dynamic-provider host", () => {
    expect(engineAddress(["node", HOST, "127.0.0.1:4321"])).toBe("127.0.0.1:4321");
    expect(engineAddress(["node", HOST, "127.0.0.1:4321", "ref"])).toBe("127.0.0.1:4321");
    expect(engineAddress(["node", "/repo/node_modules/vitest/vitest.mjs", "127.0.0.1:4321"])).toBeUndefined();
    expect(engineAddress(["node", HOST, "example.com:80"])).toBeUndefined();
    expect(engineAddress(["node", HOST])).toBeUndefined();
  });

  it("reports the engine gone once its port refuses connections, and only then", async () => {
    const port = await listen();
    const gone: string[] = [];
    const stop = watchEngine({ argv: ["node", HOST, `127.0.0.1:${port}`], intervalMs: 20, onGone: (a) => gone.push(a) });
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(gone).toEqual([]);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
      for (let i = 0; i < 50 && gone.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(gone).toEqual([`127.0.0.1:${port}`]);
      await new Promise((r) => setTimeout(r, 100));
      expect(gone).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it("does nothing outside the host", () => {
    let called = false;
    const stop = watchEngine({ argv: ["node", "script.js"], intervalMs: 1, onGone: () => (called = true) });
    stop();
    expect(called).toBe(false);
  });
});
