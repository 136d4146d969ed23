import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, PlatformModule } from '@pz/platform';
import { API_FEATURES } from '../../api/src/api.module';
import { WORKER_FEATURES } from '../../worker/src/worker.module';

/** API and worker in one process: the single-machine install that `npm start` runs. */
@Module({})
export class ServerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ServerModule,
      imports: [PlatformModule.forRoot({ config }), ...API_FEATURES, ...WORKER_FEATURES],
    };
  }
}
