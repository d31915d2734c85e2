import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `urn:encours:problem:${code}`;
}

export class ProblemFieldError {
  @ApiProperty({ example: 'contacts[0].email', description: 'Path of the field in the request' })
  field: string;
  @ApiProperty({ example: 'email must be an email' })
  message: string;
  @ApiPropertyOptional({ example: 'isEmail' })
  code?: string;
  @ApiPropertyOptional({ example: 12, description: 'Row number (1-based) for bulk inputs' })
  row?: number;
}

/** RFC 9457 problem details, the body of every error response. */
export class Problem {
  @ApiProperty({ example: 'urn:encours:problem:validation-error' })
  type: string;
  @ApiProperty({ example: 'Bad Request' })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiPropertyOptional({ example: 'The request is not valid' })
  detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/users' })
  instance?: string;
  @ApiPropertyOptional({ example: '4f6c1f0e-8a43-4e5e-9d0a-2c1f7d9b8e21' })
  requestId?: string;
  @ApiPropertyOptional({ type: [ProblemFieldError] })
  errors?: ProblemFieldError[];
}
