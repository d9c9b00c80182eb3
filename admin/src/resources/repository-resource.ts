import { Resource } from '@adminjs/typeorm';
import { ValidationError } from 'adminjs';
import {
  FindOperator,
  QueryFailedError,
  Raw,
  type BaseEntity,
  type DataSource,
  type EntityTarget,
  type FindManyOptions,
  type FindOptionsWhere,
  type ObjectLiteral,
  type Repository,
} from 'typeorm';

/** Any UUID, whatever its version: what a uuid column accepts. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RepositoryResourceOptions = {
  /** Text columns filtered by equality (so an index serves them) instead of the adapter's `LIKE '%…%'`. */
  exactTextFilters?: string[];
  /** Filtered counts stop at this many rows: "more than N" is all a list page needs to know. */
  countLimit?: number;
};

/**
 * @adminjs/typeorm expects entities that extend BaseEntity (active records bound to a global data
 * source). Argus's entities are plain classes used through a DataSource the process owns, so this
 * resource hands the adapter the same static methods, served by that DataSource's repository.
 * On the way it turns the adapter's uuid filter (`CAST(column AS CHAR(36)) = …`, which no index
 * serves) into plain equality.
 */
export class RepositoryResource extends Resource {
  protected readonly repository: Repository<ObjectLiteral>;

  constructor(
    protected readonly db: DataSource,
    target: EntityTarget<ObjectLiteral> & { name: string },
    options: RepositoryResourceOptions = {},
  ) {
    const repository = db.getRepository(target);
    const where = (find: FindManyOptions<ObjectLiteral> = {}) => indexableWhere(repository, find.where as FindOptionsWhere<ObjectLiteral>, options);
    const model = {
      name: target.name,
      getRepository: () => repository,
      count: (find: FindManyOptions<ObjectLiteral>) => countUpTo(repository, where(find), options.countLimit),
      find: (find: FindManyOptions<ObjectLiteral>) => repository.find({ ...find, where: where(find) }),
      findOneBy: (match: object) => repository.findOneBy(match),
      findBy: (match: object) => repository.findBy(match),
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

function indexableWhere(
  repository: Repository<ObjectLiteral>,
  where: FindOptionsWhere<ObjectLiteral> | undefined,
  options: RepositoryResourceOptions,
): FindOptionsWhere<ObjectLiteral> | undefined {
  if (!where) return where;
  const rewritten: Record<string, unknown> = { ...where };
  for (const [key, condition] of Object.entries(where)) {
    const column = repository.metadata.findColumnWithPropertyPath(key);
    if (!(condition instanceof FindOperator) || !column) continue;
    const value = String((condition.objectLiteralParameters as { value?: unknown } | undefined)?.value ?? condition.value ?? '');
    if (column.type === 'uuid' && condition.type === 'raw') {
      // not a uuid: nothing can match, and PostgreSQL would refuse the comparison
      rewritten[key] = uuidPattern.test(value.trim()) ? value.trim() : Raw(() => 'false');
    } else if (options.exactTextFilters?.includes(key) && condition.type === 'like') {
      rewritten[key] = value.replace(/^%|%$/g, '');
    }
  }
  return rewritten as FindOptionsWhere<ObjectLiteral>;
}

async function countUpTo(repository: Repository<ObjectLiteral>, where: FindOptionsWhere<ObjectLiteral> | undefined, limit?: number): Promise<number> {
  if (limit === undefined) return repository.count({ where });
  const rows = repository.createQueryBuilder('row').setFindOptions({ where }).select('1').limit(limit + 1);
  const [sql, parameters] = rows.getQueryAndParameters();
  const [{ count }] = await repository.query(`SELECT count(*)::int AS count FROM (${sql}) AS capped`, parameters);
  return count;
}
