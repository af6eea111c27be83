import { run } from "./action/main.js";
import { cliBesideAction } from "./lib/self.js";

cliBesideAction();
await run();
