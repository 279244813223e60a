import { kilnVitestConfig } from '../../vitest.shared';

export default kilnVitestConfig();
