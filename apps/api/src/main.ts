import 'reflect-metadata';
import { startHttpServer } from '@pz/platform';
import { ApiModule } from './api.module';

void startHttpServer((config) => ApiModule.forRoot(config), 'api');
