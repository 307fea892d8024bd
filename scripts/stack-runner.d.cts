export declare const repoRoot: string;
export declare function cachedPulumiBinDir(): string | undefined;
export declare function runStackOperation(
  request: Record<string, unknown>,
  opts: { scratchDir: string; driverPath?: string; timeoutMs?: number; cwd?: string },
): Promise<any>;
