import { defineConfig } from "vitest/config";

// Unit tests run in parallel; end-to-end tests drive the real `pulumi` CLI and run one file
// at a time so that two cores are not oversubscribed (each run starts the engine, a
// language server and a provider process).
export default defineConfig({
  test: {
    reporters: ["default", "./test/summary-reporter.mts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
