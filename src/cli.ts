import { main } from "./cli/main.js";
import { cliIsSelf } from "./lib/self.js";

cliIsSelf();
process.exitCode = await main(process.argv.slice(2));
