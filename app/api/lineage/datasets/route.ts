import { getLineageDatasets } from '@/server/api/lineage-datasets';

export const dynamic = 'force-dynamic';
export const GET = getLineageDatasets;
