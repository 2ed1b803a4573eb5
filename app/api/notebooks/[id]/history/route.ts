export {
  getNotebookHistory as GET,
  restoreNotebookVersion as POST,
} from '@/server/api/workbench/notebook-sharing-routes';
