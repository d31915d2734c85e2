import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/**
 * The list conventions every endpoint follows: `page` (1-based), `pageSize` (1..200, default 50),
 * `sort` (a field name, `-` prefix for descending), `q` (free-text search).
 */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1, example: 1 })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50, example: 50 })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize: number = 50;

  @ApiPropertyOptional({ description: 'Field to sort by; prefix with - for descending', example: '-createdAt' })
  @IsOptional()
  @IsString()
  @Matches(/^-?[a-zA-Z]+$/, { message: 'sort must be a field name, optionally prefixed by -' })
  sort?: string;

  @ApiPropertyOptional({ description: 'Free-text search', example: 'dupont' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class PageMeta {
  @ApiProperty({ example: 137 })
  total: number;
  @ApiProperty({ example: 1 })
  page: number;
  @ApiProperty({ example: 50 })
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function toPage<T>(items: T[], total: number, q: PageQuery): Page<T> {
  return { items, total, page: q.page, pageSize: q.pageSize };
}

/** Parses `sort` against an allow-list: returns a TypeORM `order` object. */
export function orderFrom(
  sort: string | undefined,
  allowed: string[],
  fallback: Record<string, 'ASC' | 'DESC'>,
): Record<string, 'ASC' | 'DESC'> {
  if (!sort) return fallback;
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  if (!allowed.includes(field)) return fallback;
  return { [field]: desc ? 'DESC' : 'ASC' };
}

/** Documents `{ items: T[], total, page, pageSize }` in OpenAPI. */
export function ApiPageResponse(model: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(PageMeta, model),
    ApiOkResponse({
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageMeta) },
          {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: { $ref: getSchemaPath(model) } } },
          },
        ],
      },
    }),
  );
}

/** `q` as an ILIKE pattern matching it anywhere: `%`, `_` and `\` in the text are matched literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
