// Worker threads do not inherit the --import hooks that let the main thread run TypeScript:
// register tsx here, then load the worker itself.
import { register } from "tsx/esm/api";

register();
await import("./worker-thread.ts");
