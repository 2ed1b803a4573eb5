export {
  getNotebookSharing as GET,
  putNotebookSharing as PUT,
} from '@/server/api/workbench/notebook-sharing-routes';
