import { tempPgliteStore } from './serving-store-fixtures.js';
import { martGoldenSuite } from './marts-golden-suite.js';

martGoldenSuite('pglite', tempPgliteStore);
