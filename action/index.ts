// The bundle's entry: runs the action (action/dist/index.js is built from this by scripts/build-action.ts).
import { runAction } from './main.ts';

await runAction();
