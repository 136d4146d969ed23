import 'reflect-metadata';
import { startHttpServer } from '@pz/platform';
import { ServerModule } from './server.module';

void startHttpServer((config) => ServerModule.forRoot(config), 'server (api + worker)');
