import { processIo, runCli } from './index';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
