import 'reflect-metadata';
import { startWorker } from '@pz/platform';
import { WorkerModule } from './worker.module';

void startWorker((config) => WorkerModule.forRoot(config));
