import 'reflect-metadata';
import { configOrExit, serveHttp } from '@pz/platform';
import { ServerModule } from './server.module';

const config = configOrExit();
void serveHttp(ServerModule.forRoot(config), config, 'server (api + worker)');
