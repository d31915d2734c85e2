import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Problem } from '../errors/problem.js';
import { ApiPageResponse, PageQuery, type Page } from '../http/pagination.js';
import { Access } from './access.decorator.js';
import { CreatedUserDto, CreateUserDto, UpdateUserDto, UserDto } from './auth.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('v1/users')
@Access({ roles: ['admin'] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List the users of my tenant' })
  @ApiPageResponse(UserDto)
  list(@Query() q: PageQuery): Promise<Page<UserDto>> {
    return this.users.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: Problem })
  get(@Param('id') id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Create (invite) a user; returns a one-time password to hand over' })
  @ApiCreatedResponse({ type: CreatedUserDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiConflictResponse({ description: 'Email already used', type: Problem })
  create(@Body() dto: CreateUserDto): Promise<CreatedUserDto> {
    return this.users.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change role, deactivate or reactivate a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiNotFoundResponse({ type: Problem })
  @ApiConflictResponse({ description: 'Would leave the tenant without an active admin', type: Problem })
  update(@Param('id') id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(id, dto);
  }
}
