import 'reflect-metadata';
import { configOrExit, serveHttp } from '@pz/platform';
import { ApiModule } from './api.module';

const config = configOrExit();
void serveHttp(ApiModule.forRoot(config), config, 'api');
