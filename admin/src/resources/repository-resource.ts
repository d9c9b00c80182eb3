import { Resource } from '@adminjs/typeorm';
import { ValidationError } from 'adminjs';
import { QueryFailedError, type BaseEntity, type DataSource, type EntityTarget, type ObjectLiteral, type Repository } from 'typeorm';

/**
 * @adminjs/typeorm expects entities that extend BaseEntity (active records bound to a global data
 * source). Argus's entities are plain classes used through a DataSource the process owns, so this
 * resource hands the adapter the same static methods, served by that DataSource's repository.
 */
export class RepositoryResource extends Resource {
  protected readonly repository: Repository<ObjectLiteral>;

  constructor(
    protected readonly db: DataSource,
    target: EntityTarget<ObjectLiteral> & { name: string },
  ) {
    const repository = db.getRepository(target);
    const model = {
      name: target.name,
      getRepository: () => repository,
      count: (options: object) => repository.count(options),
      find: (options: object) => repository.find(options),
      findOneBy: (where: object) => repository.findOneBy(where),
      findBy: (where: object) => repository.findBy(where),
      create: (params: object) => repository.create(params),
    };
    super(model as unknown as typeof BaseEntity);
    this.repository = repository;
  }

  /** A refused row (a duplicate name) becomes a message on the form rather than a server error. */
  override async validateAndSave(instance: BaseEntity): Promise<void> {
    try {
      await this.repository.save(instance);
    } catch (error) {
      if (!(error instanceof QueryFailedError)) throw error;
      throw new ValidationError({}, { type: 'QueryFailedError', message: (error as QueryFailedError & { detail?: string }).detail ?? error.message });
    }
  }

  static override isAdapterFor(): boolean {
    return false;
  }
}
