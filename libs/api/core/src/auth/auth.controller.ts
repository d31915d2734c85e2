import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { UnauthorizedError } from '../errors/app-error.js';
import { Problem } from '../errors/problem.js';
import { Access, Public } from './access.decorator.js';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenResponseDto, UpdateMeDto, UserDto } from './auth.dto.js';
import { AuthService } from './auth.service.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller('v1')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: LoginRateLimiter,
    private readonly users: UsersService,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password', description: 'Rate-limited per client IP and email.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password, or user deactivated', type: Problem })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts', type: Problem })
  async login(@Body() dto: LoginDto, @Req() req: Request): Promise<TokenResponseDto> {
    const ip = req.ip ?? 'unknown';
    this.limiter.assertAllowed(ip, dto.email);
    const tokens = await this.auth.login(dto.email, dto.password, req.headers['user-agent']);
    if (!tokens) {
      this.limiter.recordFailure(ip, dto.email);
      throw new UnauthorizedError('Wrong email or password', 'invalid-credentials');
    }
    this.limiter.recordSuccess(ip, dto.email);
    return tokens;
  }

  @Post('auth/refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (the refresh token rotates)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: Problem })
  @ApiUnauthorizedResponse({ description: 'Unknown, expired, revoked or reused refresh token', type: Problem })
  refresh(@Body() dto: RefreshDto, @Req() req: Request): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken, req.headers['user-agent']);
  }

  @Post('auth/logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: revokes the refresh token and its whole family' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiBadRequestResponse({ type: Problem })
  async logout(@Body() dto: RefreshDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }

  @Post('auth/password')
  @Access({})
  @HttpCode(204)
  @ApiOperation({ summary: 'Change my password (ends my other sessions)' })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiBadRequestResponse({ type: Problem })
  async changePassword(@Body() dto: ChangePasswordDto): Promise<void> {
    await this.auth.changePassword(this.auth.currentUserId(), dto.currentPassword, dto.newPassword);
  }

  @Get('me')
  @Access({})
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  me(): Promise<UserDto> {
    return this.auth.me(this.auth.currentUserId());
  }

  @Patch('me')
  @Access({})
  @ApiOperation({ summary: 'Change my name or language' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: Problem })
  async updateMe(@Body() dto: UpdateMeDto): Promise<UserDto> {
    const userId = this.auth.currentUserId();
    await this.users.updateMe(dto);
    return this.auth.me(userId);
  }
}
