export { createBackup, restoreBackup, type BackupTarget } from './run-backup.js';
