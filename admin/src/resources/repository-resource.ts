import { Resource } from '@adminjs/typeorm';
import { BaseRecord, NotFoundError, ValidationError, type Filter } from 'adminjs';
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
const bigintPattern = /^[0-9]{1,18}$/;

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

  /** An id the primary key column could not hold (`/records/nope/show`) names no record: a 404, not a database error. */
  override async findOne(id: string): Promise<BaseRecord | null> {
    const record = this.isWellFormedId(id) ? await super.findOne(id) : null;
    if (!record) throw new NotFoundError(`no record "${id}" in ${this.repository.metadata.tableName}`, 'findOne');
    return (await this.complete([record]))[0]!;
  }

  override async findMany(ids: (string | number)[]): Promise<BaseRecord[]> {
    const wellFormed = ids.map(String).filter((id) => this.isWellFormedId(id));
    return wellFormed.length === 0 ? [] : this.complete(await super.findMany(wellFormed));
  }

  override async find(filter: Filter, options: Parameters<Resource['find']>[1]): Promise<BaseRecord[]> {
    return this.complete(await super.find(filter, options));
  }

  /**
   * What a subclass adds to the records it shows. Here: JSON columns as PostgreSQL's own text.
   * AdminJS flattens an object into dotted keys and back, which shows `{"a.b": 1}` nested,
   * `{"0": 1}` as an array and drops a `constructor` key; the text is shown as it is stored.
   */
  protected async complete(records: BaseRecord[]): Promise<BaseRecord[]> {
    const json = this.repository.metadata.columns.filter((column) => column.type === 'jsonb' || column.type === 'json');
    if (records.length === 0 || json.length === 0) return records;
    const { tableName, primaryColumns } = this.repository.metadata;
    const key = primaryColumns[0]!.databaseName;
    const rows: Record<string, string>[] = await this.db.query(
      `SELECT ${key}::text AS key, ${json.map((column) => `${column.databaseName}::text AS "${column.propertyName}"`).join(', ')}
       FROM ${tableName} WHERE ${key} = ANY($1)`,
      [records.map((record) => String(record.id()))],
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    for (const record of records) {
      const row = byKey.get(String(record.id()));
      if (!row) continue;
      for (const { propertyName } of json) {
        for (const flattened of Object.keys(record.params)) if (flattened.startsWith(`${propertyName}.`)) delete record.params[flattened];
        record.params[propertyName] = row[propertyName];
      }
    }
    return records;
  }

  private isWellFormedId(id: string): boolean {
    const type = this.repository.metadata.primaryColumns[0]?.type;
    if (type === 'uuid') return uuidPattern.test(id);
    if (type === 'bigint' || type === 'int' || type === 'integer') return bigintPattern.test(id);
    return true;
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
