/** Types of scripts/build-cli.mjs (plain JavaScript: it runs before TypeScript can be loaded). */
export declare const ROOT: string;
export declare const BUNDLE: string;
export declare function isStale(): boolean;
export declare function buildCli(): Promise<void>;
