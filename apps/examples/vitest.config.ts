import { kilnVitestConfig } from '../../vitest.shared.ts';

export default kilnVitestConfig();
