#!/usr/bin/env node
// `npx portcullis <command>`: runs the TypeScript CLI through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
