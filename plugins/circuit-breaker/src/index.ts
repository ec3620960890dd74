import type { Plugin } from "@portico/sdk";

export default [] as Plugin[];
