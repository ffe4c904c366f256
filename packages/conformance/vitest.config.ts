import { tesseraProject } from '../../vitest.shared.js';

export default tesseraProject();
